"""The cgrad command: the click group, the options the commands share, standard output, the row readers, and one module per command."""
