"""Cycle analysis: sequential statistics, patterns and roles, episodes, topics and trends."""
