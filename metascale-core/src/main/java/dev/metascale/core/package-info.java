package dev.metascale.core;
