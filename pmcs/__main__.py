from pmcs.cli import main

main()
