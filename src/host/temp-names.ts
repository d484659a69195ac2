// Names of the temp files atomic writes create beside their target. A crash between create and
// rename leaves one behind; recovery recognises them by this marker and removes them.
export const TEMP_MARKER = '.mirrorctl-tmp-';

export const isTempName = (name: string): boolean => name.startsWith(TEMP_MARKER);
