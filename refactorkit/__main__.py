from refactorkit.cli import main

main()
