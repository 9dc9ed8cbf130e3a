package dev.metascale.report;
