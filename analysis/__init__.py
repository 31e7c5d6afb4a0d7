"""Pingjia's Chinese text analysis: statements → plan categories → themes.

A library with no Flask dependency; `pingjia analyze` (analysis.cli) is a thin caller.
"""
from .plan import Category, Item, Plan, PlanError, load_plan, parse_plan

__all__ = ["Category", "Item", "Plan", "PlanError", "load_plan", "parse_plan"]
