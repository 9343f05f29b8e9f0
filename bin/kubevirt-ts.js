#!/usr/bin/env node
import '../dist/cmd/kubevirt-ts.js';
