// Types of the forwarding l10n.mjs beside it (see there).
export * from '../../scripts/l10n.mjs';
