// The digest ledger lives in the store (src/store/ledger.ts); the digest's modules import it from here.
export {
  type ClaimResult,
  DigestLedger,
  type DigestPostState,
  LEASE_MS,
  type LedgerEntry,
  type LedgerKey,
} from "../store/ledger.js";
