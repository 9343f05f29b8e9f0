import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { elfNeeds } from './elf.js';

test('elfNeeds reads the interpreter and libraries of a dynamically linked program', () => {
  const needs = elfNeeds(readFileSync('/bin/true'));
  assert.match(needs.interpreter ?? '', /\/ld-linux-x86-64\.so\.2$/);
  assert.ok(needs.needed.includes('libc.so.6'), needs.needed.join(' '));
});

test('elfNeeds refuses what is not a 64-bit little-endian ELF file', () => {
  for (const [input, want] of [
    [Buffer.from('#!/bin/sh\necho not elf\n'.padEnd(80, ' ')), /not an ELF file/],
    [Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 1, 1]), Buffer.alloc(80)]), /only 64-bit little-endian/],
  ] as const) assert.throws(() => elfNeeds(input), want);
});
