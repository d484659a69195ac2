// Every file mirrorctl owns starts with this header, so ownership is visible on the node and
// provable by code (isManaged). Files without it are never deleted by mirrorctl.
export const MANAGED_MARKER = 'Managed by mirrorctl';

export function managedHeader(specName: string, comment = '#'): string {
  return [
    `${comment} ${MANAGED_MARKER} (MirrorSet "${specName}"). Do not edit: changes are overwritten.`,
    `${comment} Undo with \`mirrorctl rollback\`; remove with \`mirrorctl uninstall\`.`,
    '',
  ].join('\n');
}

export const isManaged = (text: string): boolean => text.slice(0, 200).includes(MANAGED_MARKER);
