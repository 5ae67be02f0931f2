"""Remediation templates, one YAML file per platform keyed by rule id (rendered by checks/remediation.py)."""
