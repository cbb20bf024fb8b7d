// The digest ledger lives in the store (src/store/ledger.ts, `DigestLedgerStore`); the digest's modules import its types from here.
export {
  type ClaimResult,
  type DigestLedgerStore,
  type DigestPostState,
  LEASE_MS,
  type LedgerEntry,
  type LedgerKey,
} from "../store/ledger.js";
