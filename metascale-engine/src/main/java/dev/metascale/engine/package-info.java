package dev.metascale.engine;
