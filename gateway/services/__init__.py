"""Use cases: plain functions and small classes taking the services container."""
