// A problem found in one field value, before it is tied to a file and a field path.
export interface Finding {
  code: string;
  message: string;
  hint?: string;
}
