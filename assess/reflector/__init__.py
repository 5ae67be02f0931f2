"""`assess reflector`: the far-end service, its wire protocol and its safety rules."""
