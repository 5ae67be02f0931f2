"""Collectors: get raw evidence from devices and far-end services, save it before parsing."""
