"""One planner per refactoring stage: isolate, move-tests, move-code, consolidate, dry."""
