"""Renderers: each turns a Trace into one output format and computes nothing."""
