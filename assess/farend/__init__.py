"""`assess farend`: every far-end service in one process tree, and the check that each answers."""
