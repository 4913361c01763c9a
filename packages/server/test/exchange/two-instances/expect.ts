/**
 * Small readers and checks the end-to-end scenario repeats: a status with the server's answer in
 * the message, the resources of a Bundle, the exchange markings (external tag and source), the
 * text of an OperationOutcome, and waiting for something another process does in its own time.
 */
import assert from 'node:assert/strict';
import { EXTERNAL_SOURCE_EXT, EXTERNAL_TAG } from '../../../src/exchange/codes.ts';
import type { Answer } from './harness.ts';

/** Asserts the status (one of several), showing the body when it differs. */
export function status(res: Answer, expected: number | number[], what: string): void {
  const allowed = Array.isArray(expected) ? expected : [expected];
  assert.ok(allowed.includes(res.status), `${what}: expected ${allowed.join(' or ')}, got ${res.status}: ${res.text.slice(0, 600)}`);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

/** The resources of a Bundle's entries (optionally of one search mode). */
export function resources(bundle: Json, mode?: string): Json[] {
  return ((bundle?.entry ?? []) as Json[]).filter((e) => mode === undefined || e.search?.mode === mode).map((e) => e.resource);
}

export function ofType(list: Json[], type: string): Json[] {
  return list.filter((r) => r?.resourceType === type);
}

export function hasTag(resource: Json, tag: { system: string; code: string }): boolean {
  return ((resource?.meta?.tag ?? []) as Json[]).some((t) => t.system === tag.system && t.code === tag.code);
}

/** The source organization an external resource names (EXTERNAL_SOURCE_EXT). */
export function sourceOf(resource: Json): { reference?: string; display?: string } | undefined {
  return ((resource?.extension ?? []) as Json[]).find((e) => e.url === EXTERNAL_SOURCE_EXT)?.valueReference;
}

/** Asserts the exchange markings: external tag, source organization, and meta.source at the partner. */
export function assertExternal(resource: Json, organization: string, partnerBase: string): void {
  const what = `${String(resource?.resourceType)}/${String(resource?.id)}`;
  assert.ok(hasTag(resource, EXTERNAL_TAG), `${what} carries the external tag`);
  assert.equal(sourceOf(resource)?.reference, organization, `${what} names its source organization`);
  assert.ok(String(resource?.meta?.source ?? '').startsWith(partnerBase), `${what}: meta.source ${String(resource?.meta?.source)} is at ${partnerBase}`);
}

/** The diagnostics and details text of an OperationOutcome. */
export function outcomeText(outcome: Json): string {
  return ((outcome?.issue ?? []) as Json[]).map((i) => `${i.diagnostics ?? ''} ${i.details?.text ?? ''}`).join(' ');
}

/** The first coding's code of a concept. */
export const codingCode = (concept: Json): string | undefined => concept?.coding?.[0]?.code;

/** Polls `probe` every 250 ms until it gives a value, or fails after `timeoutMs`. */
export async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`waited ${timeoutMs / 1000} s for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

export const decode = (base64: string): string => Buffer.from(base64, 'base64').toString('utf8');
