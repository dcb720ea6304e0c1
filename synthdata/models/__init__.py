"""Generative models (TabularGAN) and their training loops."""
