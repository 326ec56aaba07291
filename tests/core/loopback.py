"""Loopback addresses of their own for emulated boxes, free even when test runs overlap.

A box listens on its real ports (5555, 8888, 5679) at its own 127.x address.
Fixed addresses collided when two test runs shared a machine (each started at
the same address: "address already in use", or a client meant to find nothing
found the other run's box). So an address is drawn at random from 127.0.0.0/8
(outside 127.0.0.x) and handed out only when nothing listens on a box port there.
"""

from __future__ import annotations

import random
import socket

from gui.core.box.emulator import DEFAULT_PORTS

_rng = random.Random()  # seeded from the OS: independent in every process
_given: set[str] = set()


def _ports_free(address: str) -> bool:
    for port in DEFAULT_PORTS.values():
        with socket.socket() as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind((address, port))
            except OSError:
                return False
    return True


def free_box_address() -> str:
    """A 127.a.b.c address no box of this or another run listens on."""
    while True:
        address = f"127.{_rng.randint(1, 254)}.{_rng.randint(0, 255)}.{_rng.randint(2, 254)}"
        if address not in _given and _ports_free(address):
            _given.add(address)
            return address
