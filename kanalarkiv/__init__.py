"""Kanalarkiv's service layer: the application (commands and queries), its configuration,
the event store's infrastructure (PostgreSQL, transcoding), the projection runner and the CLI.

It sits between the pure model in ``domain`` and the entry points in ``api``; it is the one
place that reads the environment and the clock.
"""
