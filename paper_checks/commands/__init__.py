"""The handlers of the command line's commands, one module per command (``paper_checks.cli`` parses the
arguments and imports a command's module only when that command runs); ``common`` holds what several share."""
