"""`python -m cgcli` runs the cgrad command."""
from .cli.main import main

main()
