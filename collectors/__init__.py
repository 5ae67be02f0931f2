"""Collectors: get raw evidence from devices and far-end services, save it before parsing."""

# The file naming an evidence folder's commands (collectors.evidence writes and reads it); here so that the loader
# can recognise one without importing that module's models for a single saved config.
MANIFEST = "manifest.json"
