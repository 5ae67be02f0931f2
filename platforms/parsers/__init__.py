"""Platform parsers: evidence (command -> output) to vendor-neutral DeviceFacts."""
