"""Training the learned components (`geo train ...`): data, augmentation, cross-validation."""
