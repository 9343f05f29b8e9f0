#!/usr/bin/env node
import '../dist/cmd/virtctl.js';
