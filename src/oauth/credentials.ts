/** The OAuth client a grant is issued to, as every request of the protocol names it. */
export interface ClientCredentials {
  readonly clientId: string;
  /** Absent for a public client. */
  readonly clientSecret?: string;
}
