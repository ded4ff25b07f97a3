"""The checks run after every apply, before it is declared done: see `verify.run`."""
