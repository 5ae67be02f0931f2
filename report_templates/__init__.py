"""Jinja2 templates and CSS of the site and portfolio reports (shipped as package data)."""
