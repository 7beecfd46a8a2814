"""The deterministic demo world: organisations, users, cases and planted networks."""

from cyberfusion.demo.world import DEMO_PASSWORD, DemoCase, DemoUser, World, generate_world

__all__ = ["DEMO_PASSWORD", "DemoCase", "DemoUser", "World", "generate_world"]
