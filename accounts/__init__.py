"""Shared kernel: users and roles, communes and hamlets, notifications, audit events."""
