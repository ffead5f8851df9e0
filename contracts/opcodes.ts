/**
 * The one opcode / exit-code table shared by the TypeScript side. It mirrors the Tolk
 * sources (`tolk/messages.tolk` struct prefixes, `tolk/errors.tolk`, `tolk/storage.tolk`);
 * test/contracts/opcodes.spec.ts parses those files and fails if the two drift apart.
 */
export const Op = {
  RegisterWorker: 0xc0c00001,
  RenewWorker: 0xc0c00002,
  SlashWorker: 0xc0c00003,
  UpdateParams: 0xc0c00010,
  UpdateAllowList: 0xc0c00011,
  ProposeAdmin: 0xc0c00012,
  ClaimAdmin: 0xc0c00013,
  EntryRegister: 0xc0c00101,
  EntryRenew: 0xc0c00102,
  EntrySlash: 0xc0c00103,
  StartUnbond: 0xc0c00104,
  WithdrawStake: 0xc0c00105,
  RegisterRejected: 0xc0c00201,
  StakeSlashed: 0xc0c00202,
  StakeWithdrawn: 0xc0c00203,
  ReturnExcesses: 0xd53276db,
  RegisterClaim: 0xc0c0c1a1
} as const

export const ExitCode = {
  /** TVM: cell underflow, i.e. a body too short for its opcode. */
  CellUnderflow: 9,
  NotAdmin: 101,
  NotPendingAdmin: 102,
  StakeTooLow: 103,
  ImageNotAllowed: 104,
  CertExpired: 105,
  CertLifetimeTooLong: 106,
  BadSignature: 107,
  BadParams: 108,
  BadList: 109,
  NotRegistry: 110,
  NotOwner: 111,
  NotActive: 112,
  NotUnbonding: 113,
  UnbondingNotFinished: 114,
  NotSlashable: 115,
  WrongWorkchain: 116,
  UnknownOp: 0xffff
} as const

/** Which allow-list an UpdateAllowList message edits (LIST_* in storage.tolk). */
export const AllowList = {
  Images: 0,
  Models: 1,
  Roots: 2
} as const
export type AllowListKind = typeof AllowList[keyof typeof AllowList]

/** Worker entry status (STATUS_* in storage.tolk). */
export const EntryStatus = {
  Empty: 0,
  Active: 1,
  Unbonding: 2,
  Slashed: 3
} as const
export type EntryStatusValue = typeof EntryStatus[keyof typeof EntryStatus]
