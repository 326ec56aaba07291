"""Talking to the box itself (BOX_API.md): emulator, client, backfill, WebSocket pull."""
