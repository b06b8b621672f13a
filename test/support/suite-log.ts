/**
 * The whole suite's log output in one place, scanned for secrets when the run ends (issue 7:
 * "a test scans all log output of the whole suite for the tokens, API keys and encryption key
 * it used and finds none"). Every test connector's log lines and every spawned process's
 * output are appended here; tests register the secrets they hand out (emulator tokens, Ashby
 * API keys) so the scan knows them. global-teardown.ts runs the scan and fails the run on a find.
 */
import fs from 'node:fs';
import path from 'node:path';

export const SUITE_LOG_DIR_ENV = 'PIGMENT_SUITE_LOG_DIR';

function dir(): string | undefined {
  return process.env[SUITE_LOG_DIR_ENV];
}

/** Appends log output (synchronously: a jest worker can be killed before a stream flushes). */
export function appendSuiteLog(chunk: string | Buffer): void {
  const logDir = dir();
  if (logDir) fs.appendFileSync(path.join(logDir, `output-${process.pid}.log`), chunk);
}

/** Records a secret a test used, by a label that says what it is (never printed with its value). */
export function registerSuiteSecret(label: string, value: string): void {
  const logDir = dir();
  if (logDir && value) fs.appendFileSync(path.join(logDir, `secrets-${process.pid}.jsonl`), `${JSON.stringify({ label, value })}\n`);
}

export interface SecretFinding {
  label: string;
  file: string;
  /** 1-based line of the first occurrence in that file. */
  line: number;
}

/** The forms a secret may take in a log: as given, and a key's bytes re-encoded. */
export function secretForms(label: string, value: string): Array<{ label: string; value: string }> {
  const forms = [{ label, value }];
  if (/^[A-Za-z0-9+/]{43}=$/.test(value)) {
    const bytes = Buffer.from(value, 'base64');
    forms.push({ label: `${label} (hex)`, value: bytes.toString('hex') }, { label: `${label} (base64url)`, value: bytes.toString('base64url') });
  }
  return forms;
}

/** Where any of `secrets` occurs in the output files of `logDir` (one finding per secret and file). */
export function findLeakedSecrets(logDir: string, secrets: ReadonlyArray<{ label: string; value: string }>): SecretFinding[] {
  const findings: SecretFinding[] = [];
  const forms = secrets.flatMap((s) => secretForms(s.label, s.value)).filter((s) => s.value.length >= 8);
  for (const file of fs.readdirSync(logDir).filter((f) => f.startsWith('output-'))) {
    const text = fs.readFileSync(path.join(logDir, file), 'utf8');
    for (const secret of forms) {
      const at = text.indexOf(secret.value);
      if (at >= 0) findings.push({ label: secret.label, file, line: text.slice(0, at).split('\n').length });
    }
  }
  return findings;
}

/** The secrets tests registered during the run. */
export function registeredSecrets(logDir: string): Array<{ label: string; value: string }> {
  return fs
    .readdirSync(logDir)
    .filter((f) => f.startsWith('secrets-'))
    .flatMap((f) => fs.readFileSync(path.join(logDir, f), 'utf8').split('\n').filter(Boolean))
    .map((line) => JSON.parse(line) as { label: string; value: string });
}
