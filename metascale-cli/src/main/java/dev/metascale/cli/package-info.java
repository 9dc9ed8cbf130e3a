package dev.metascale.cli;
