// What a command may touch of the process: streams, env, cwd. Tests pass their own.
export interface Out {
  write(text: string): void;
  isTTY: boolean;
}

export interface CliContext {
  stdout: Out;
  stderr: Out;
  env: Record<string, string | undefined>;
  cwd: string;
  color: boolean;
  quiet: boolean;
  verbose: boolean;
}
