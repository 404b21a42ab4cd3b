"""Small helpers used by two or more apps."""
