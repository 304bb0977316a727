// Shapes of the liudong HTTP API (see GET /api/v1/openapi.json and src/http/routes.c).

export type Role = 'admin' | 'clerk' | 'grid' | 'auditor'

export interface User {
  id: number
  username: string
  display_name: string
  role: Role
  /** Station code (S + street) for clerks, 15-digit grid code for grid workers. */
  area: string | null
  permissions: string[]
  /** The password was generated (a new account, an admin's reset): it must be changed first. */
  must_change_password?: boolean
}

export interface LoginAnswer {
  token: string
  expires_at: number
  must_change_password?: boolean
  user: User
}

/** A staff account, as an admin sees it (GET /api/v1/users). */
export interface StaffAccount {
  id: number
  username: string
  display_name: string
  role: Role
  area: string | null
  disabled: boolean
  must_change_password: boolean
  created_at: string
  password_changed_at: string | null
  last_login_at: string | null
}

/** A reset password, shown once. */
export interface PasswordReset {
  id: number
  username: string
  password: string
  must_change_password: boolean
}

export interface Page<T> {
  total: number
  page: number
  per_page: number
  items: T[]
}

export interface Code {
  code: string
  label: string
}

export interface Codes {
  ethnicity: Code[]
  reason: Code[]
  housing: Code[]
  reporter: Code[]
  document_type: Code[]
}

export interface Area {
  code: string
  parent: string | null
  /** 1 district/county, 2 street/town, 3 community/village, 4 grid. */
  level: number
  name: string
  station: string | null
}

export interface Station {
  code: string
  name: string
  district: string
  address: string
  phone: string
}

export interface Person {
  id: number
  id_number: string
  name: string
  sex: 'male' | 'female'
  ethnicity: string
  ethnicity_name: string
  birth: string
  hukou_code: string
  hukou_place: string | null
  hukou_address: string | null
  /** The hukou address in full, naming the place once (what documents print). */
  hukou_address_text?: string
  phone: string | null
  created_at: string
  updated_at: string
  document_type?: string
  document_type_name?: string
}

/** A stored photo's description (never its bytes). */
export interface Photo {
  id: number
  content_type: 'image/jpeg' | 'image/png'
  width: number
  height: number
  bytes: number
  sm3: string
  /** counter: taken at the desk; online: sent by the resident. */
  channel: 'counter' | 'online'
  created_at: string
}

/** Whose permit it is, with what the card says of the person (条例 第四条). */
export interface PermitHolder {
  id: number
  name: string
  /** Full or masked, as the reader's role may see it. */
  id_number: string
  sex: 'male' | 'female'
  ethnicity: string
  ethnicity_name: string | null
  birth: string
  hukou_address_text: string
}

export interface Address {
  district: string
  district_name?: string
  street?: string
  community?: string
  grid: string
  road: string
  house_number: string | null
  building: string | null
  unit: string | null
  room: string | null
}

export interface Registration {
  id: number
  person_id: number
  status: 'active' | 'cancelled'
  certificate_no: string
  address: Address
  arrival_date: string
  declared_date: string
  deadline: string
  late: boolean
  calendar_complete: boolean
  /** The deadline (and lateness) was counted over a year with no holiday arrangement: 暂定. */
  provisional?: boolean
  reason: string
  reason_name: string
  housing: string
  housing_name: string
  employer: string | null
  in_scope: boolean
  scope_reason: string
  exemption: string | null
  override_reason: string | null
  cancelled_date: string | null
  cancel_reason: string | null
  cancel_reporter: string | null
  created_at: string
  /**
   * The grid found the holder moved away (a task closed as 已搬离): the registration stays
   * active until the station checks and cancels it. Null otherwise.
   */
  moved_away?: { date: string; task_id: number } | null
}

/**
 * How a record shows the day its act was entered: an act dated before that day (补录) needs
 * a reason, which the record keeps (GET …/history, permit events, reports).
 */
export interface EntryMark {
  /** The day it was entered (null for records made before the server kept it). */
  entered_date?: string | null
  backdated?: boolean
  date_reason?: string | null
}

/** A row of the registrations table: a registration with its person's name and ID number. */
export interface RegistrationRow extends Registration {
  person_name: string
  id_number: string
}

export interface Scope {
  in_scope: boolean
  registration_required: boolean
  reason: string
  reason_text: string
  hukou: string | null
  nationality?: string
  exemption: string | null
  basis: string[]
}

export interface Deadline {
  event: string
  deadline?: string
  deadline_at?: string
  working_days: number | null
  calendar_complete: boolean
  late?: boolean
  /** How late, in the working days the deadline is counted in (0 when on time). */
  working_days_late?: number
  provisional?: boolean
  warning?: string
  basis: string[]
}

export interface CheckAnswer {
  scope: Scope
  /** Null when the person need not register (out of scope, exempt): no deadline to miss. */
  deadline: Deadline | null
  would_store: boolean
}

export interface CreateAnswer {
  person: Person
  registration: Registration
  scope: Scope
  /** Null when the person need not register (recorded with an override reason). */
  deadline: Deadline | null
  event?: HistoryEvent
}

export interface PersonInput {
  // Absent for the resident ID card; Hong Kong, Macao and Taiwan residents' and
  // foreigners' documents otherwise (national rules apply to them).
  document_type?: string
  id_number: string
  name: string
  sex?: string
  birth?: string
  ethnicity?: string
  hukou_code?: string
  hukou_address?: string
  phone?: string
}

export interface AddressInput {
  grid: string
  road: string
  house_number?: string
  building?: string
  unit?: string
  room?: string
}

export interface RegistrationInput {
  person: PersonInput
  address: AddressInput
  arrival_date: string
  declared_date?: string
  reason: string
  housing: string
  employer?: string
  stay_days?: number
  lodging?: string
  override_reason?: string
  /** 补录事由: required when declared_date lies before today. */
  date_reason?: string
}

export interface AddressChangeInput {
  address: AddressInput
  moved_date: string
  declared_date?: string
  date_reason?: string
}

export interface CancelInput {
  left_date: string
  reporter: string
  reason: string
  destination?: string
}

export interface PersonDetail {
  person: Person
  active_registration: Registration | null
  registrations: Registration[]
  /** The current photo's description. */
  photo?: Photo | null
}

export interface HistoryEvent extends EntryMark {
  id: number
  registration_id: number
  kind: string
  date: string
  deadline: string | null
  /** Null when there was no duty (a cancellation, a registration recorded anyway). */
  late: boolean | null
  provisional?: boolean
  detail: Record<string, unknown>
  at: string
}

export interface History {
  person_id: number
  name: string
  events: HistoryEvent[]
}

export interface Entitlement {
  code: string
  title: string
  conditional: boolean
  basis: string[]
}

export interface Entitlements {
  person_id: number
  on: string
  certificate_active: boolean
  permit: string
  entitlements: Entitlement[]
}

export interface Permit {
  id: number
  person_id: number
  registration_id: number
  /** returned: an application sent back before acceptance (退回), with its reason. */
  status: 'applied' | 'accepted' | 'issued' | 'cancelled' | 'returned'
  returned?: boolean
  permit_no: string | null
  version: number
  basis: string
  channel: string
  applicant: 'self' | 'guardian'
  district: string
  applied_date: string
  /** An online application waiting for acceptance: by when the station should act. */
  accept_by?: string | null
  accepted_date: string | null
  issue_deadline: string | null
  issue_deadline_provisional?: boolean
  issued_date: string | null
  issuing_authority: string | null
  cancelled_date: string | null
  cancel_reason: string | null
  fee: number
  guardian_name?: string | null
  guardian_relation?: string | null
  holder?: PermitHolder | null
  district_name?: string
  /** 居住地住址 in full: district, road, number, building, unit, room. */
  residence_address?: string
  /** Who signs the permits of its district now (issuing_authority: who signed it). */
  district_authority?: string
  /** The photo on the card (before it is made: the holder's current photo). */
  photo?: Photo | null
}

export interface LedgerEntry {
  date: string
  event: string
  anniversary?: string
}

/** Before issue only `code` is present. */
export interface PermitState {
  code: string
  next_anniversary?: string | null
  window_opens?: string | null
  continuous_since?: string | null
  residence_years?: number
  ledger?: LedgerEntry[]
  basis?: string[]
}

export interface Material {
  code: string
  name: string
}

export interface Endorsement {
  date: string
  anniversary: string
  late: boolean
}

export interface PermitVersion {
  version: number
  licence_id: string
  issued_date: string
  reason: string
  invalidated_date: string | null
  payload: string
}

export interface PermitEvent extends EntryMark {
  kind: string
  date: string
  at: string
  detail?: Record<string, unknown>
}

export interface PermitDetail {
  permit: Permit
  on: string
  state: PermitState
  missing_materials: Material[]
  endorsements: Endorsement[]
  versions: PermitVersion[]
  events: PermitEvent[]
}

export interface PersonPermit {
  permit: Permit
  state: PermitState | null
}

export interface Materials {
  id_card?: boolean
  photo?: boolean
  residence_proof?: boolean
  basis_proof?: boolean
  guardian_id?: boolean
}

export interface ApplyInput {
  basis: string
  applied_date?: string
  channel?: string
  materials?: Materials
  guardian?: { name: string; id_number: string; relation: string }
  /** 补录事由: required when applied_date lies before today. */
  date_reason?: string
}

export interface PermitAnswer {
  permit: Permit
  event?: PermitEvent
  missing_materials?: Material[]
  endorsement?: { date: string; anniversary: string; late: boolean }
  electronic?: { version: number; licence_id: string; payload: string; key_id: string }
}

export interface LateItem {
  kind: 'late_declaration' | 'late_address_change'
  registration_id: number
  person_id: number
  name: string
  date: string
  deadline: string
  grid: string
  community: string
  certificate_no: string
  /** How late, in working days (the deadline is counted in working days). */
  working_days_late?: number
  provisional?: boolean
}

/** A permit application waiting for acceptance (待受理), GET /api/v1/worklists/applications. */
export interface ApplicationItem {
  id: number
  person_id: number
  name: string
  /** Full or masked, as the reader's role may see it. */
  id_number: string
  channel: 'online' | 'counter'
  basis: string
  applicant: 'self' | 'guardian'
  guardian_name: string | null
  applied_date: string
  missing_materials: Material[]
  /** By when the station should accept or return it (--accept-days working days). */
  accept_by: string
  accept_by_provisional?: boolean
  overdue: boolean
  working_days_overdue: number
}

export interface ApplicationPage extends Page<ApplicationItem> {
  accept_days: number
  /** Why the period is what it is (no article sets one). */
  accept_basis: string
}

/** GET /api/v1/stats/queues: what waits for the station. */
export interface QueueCounts {
  declarations: { pending: number; overdue: number }
  applications: { pending: number; overdue: number }
  /** Active registrations whose holder the grid found moved away, for the station to cancel. */
  moved_away: number
  accept_days: number
  overdue_before: string
}

export interface PermitWorkItem {
  kind: 'issue_overdue' | 'endorsement_due' | 'suspended'
  permit_id: number
  person_id: number
  permit_no?: string | null
  /** The holder, as the reader's role may see them. */
  name?: string
  id_number?: string
  date: string
}

export interface AuditEntry {
  seq: number
  at: string
  user_id: number | null
  username: string | null
  action: string
  target: string
  reason: string
  result: string
  detail: string
  hash: string
}

export interface AuditPage {
  page: number
  items: AuditEntry[]
}

/** A restore recorded in the anchor log (docs/backup.md). */
export interface AuditRestore {
  n: number
  at: string
  by: string
  backup_at: string
  restored_seq: number
  lost_from: number | null
  lost_to: number | null
  note: string
  note_zh: string
}

/** The chain checked against its signed anchors. */
export interface AuditVerify {
  intact: boolean
  entries: number
  head_seq: number
  /** Not intact: the first entry at fault, null for a problem of the anchor log. */
  first_bad_seq?: number | null
  problem?: string
  problem_zh?: string
  anchors: { dir: string; records: number; last: { n: number; kind: string; seq: number; at: string } | null }
  anchored_seq: number
  /** Entries after the last anchor: protected by the hash chain only. */
  unanchored: number
  restores: AuditRestore[]
}

export type StatsGroup = 'district' | 'street' | 'community' | 'grid' | 'hukou_province' | 'reason'

export interface StatsItem {
  key: string
  label: string
  count: number
}

export interface TimelineItem {
  period: string
  registrations: number
  late: number
  permits_issued: number
}

// ---- Rental houses, reporting organisations, reports, the grid's tasks (docs/grid.md) ----

export type OrgKind = 'landlord' | 'property' | 'rental_agency' | 'employer' | 'job_agency'

export interface OrgKey {
  prefix: string
  created_at: string
  revoked_at: string | null
}

export interface Organisation {
  id: number
  kind: OrgKind
  name: string
  credit_code: string | null
  id_number: string | null
  phone: string
  grid: string
  community: string
  address: string
  created_at: string
  keys: OrgKey[]
}

export interface OrganisationInput {
  kind: OrgKind
  name: string
  credit_code?: string
  id_number?: string
  phone?: string
  grid: string
  address?: string
}

export interface OrgKeyAnswer {
  key: string
  prefix: string
  organisation_id: number
}

/** An organisation as another record names it. */
export interface OrgRef {
  id: number
  name: string
  kind: OrgKind
}

export interface HouseAddress {
  district: string
  street: string
  community: string
  grid: string
  road: string
  house_number: string | null
  building: string | null
  unit: string | null
  room: string | null
}

export interface HouseFlag {
  flagged: boolean
  reasons: { code: string; message: string }[]
  basis: string[]
}

export interface House {
  id: number
  address: HouseAddress
  address_text: string
  landlord: OrgRef
  agent: OrgRef | null
  filing_no: string
  rooms: number
  capacity: number
  area_m2: number | null
  occupants: number
  flag: HouseFlag
  created_at: string
}

export interface HouseInput {
  address: AddressInput
  landlord: number
  agent?: number
  filing_no?: string
  rooms: number
  capacity: number
  area_m2?: number
}

export interface Tenant {
  id: number
  id_number: string
  name: string
  move_in: string
  move_out: string | null
}

export interface HouseDetail {
  house: House
  tenants: Tenant[]
}

export type ReportKind = 'tenant_move_in' | 'tenant_move_out' | 'hire' | 'separation' | 'placement'

export interface ReportCheck {
  event: string
  duty: string
  deadline: string
  /** For a period in hours (the 24-hour identity record). */
  hours?: number
  late: boolean
  calendar_complete?: boolean
  basis: string[]
}

export interface Report extends EntryMark {
  id: number
  kind: ReportKind
  organisation: OrgRef
  id_number: string
  name: string
  phone: string
  hukou_code: string
  hukou_presumed: boolean
  event_date: string
  /** HH:MM */
  event_time: string | null
  reported_date: string
  deadline: string
  late: boolean
  /** How late, in the working days the reporting duty is counted in. */
  working_days_late?: number
  provisional?: boolean
  warning?: string
  checks: ReportCheck[]
  house_id: number | null
  grid: string
  address: string
  /** Staff only: an organisation is not told what the registry knows of the person. */
  in_scope?: boolean
  registered?: boolean
  upload_id: number | null
  created_at: string
}

export interface ReportInput {
  /** Staff only (a key's organisation is implied). */
  organisation?: number
  kind: ReportKind
  person: { id_number: string; name: string; phone?: string; hukou_code?: string }
  event_date: string
  event_time?: string
  /** Staff only: the day a paper report was received. */
  reported_date?: string
  /** 补录事由: required when reported_date lies before today. */
  date_reason?: string
  house?: number
  address?: AddressInput
  arrival_date?: string
}

export interface ReportAnswer {
  report: Report
  /** Staff only (absent in an organisation's answer). */
  task?: Task | null
  house?: { house: House } | House | null
}

export type UploadStatus = 'receiving' | 'previewed' | 'confirmed' | 'discarded' | 'expired'

export interface UploadSummary {
  id: number
  status: UploadStatus
  name?: string | null
  size?: number
  /** Until then an unconfirmed upload is kept (ISO time, UTC). */
  expires_at?: string
  encoding: string
  rows: number
  good: number
  bad: number
  by_kind: Partial<Record<ReportKind, number>>
  late: number
  /** Staff only. */
  tasks?: number
}

/** An upload as it stands (GET /api/v1/reports/uploads/{id}; opened in parts). */
export interface UploadState {
  id: number
  organisation_id: number
  status: UploadStatus
  name: string
  size: number
  sm3: string | null
  part_size: number
  parts: number
  received: number[]
  expires_at?: string
}

export interface UploadRow {
  line: number
  kind: ReportKind
  /** Masked by the server. */
  id_number: string
  name?: string
  event_date?: string
  late: boolean
  /** Staff only. */
  task?: boolean
}

export interface UploadError {
  line: number
  field: string
  message: string
}

export interface UploadPreview {
  upload: UploadSummary
  rows: UploadRow[]
  errors: UploadError[]
}

export interface UploadConfirmed {
  upload: UploadSummary
  written: number
  /** Staff only. */
  tasks?: number
  houses_flagged?: number
}

export type TaskKind = 'unregistered' | 'group_rental' | 'absent'
export type TaskOutcome = 'visited' | 'registered' | 'moved_away' | 'not_found'

export interface Task {
  id: number
  kind: TaskKind
  grid: string
  community: string
  id_number: string | null
  name: string
  house_id: number | null
  report_id: number | null
  visit_id: number | null
  detail: string
  due_date: string
  due_date_provisional?: boolean
  overdue: boolean
  status: 'open' | 'done'
  outcome: TaskOutcome | null
  note: string
  assignee: string | null
  closed_at: string | null
  created_at: string
}

/** What closing a person's task as 已搬离 did (POST /api/v1/tasks/{id}/close). */
export interface MovedAway {
  /** Houses whose tenancy of the person ended, counted again. */
  houses: { id: number; occupants: number; flagged: boolean; was_flagged: boolean }[]
  /** The person's other open tasks of that grid, closed as moved away. */
  tasks_closed: number[]
  /** Group-rental tasks closed because their house no longer qualifies. */
  group_rental_tasks_closed: number[]
  /** The registration marked for the station to check and cancel (it stays active). */
  registration: { id: number; certificate_no: string; status: string; moved_away_date: string } | null
}

export interface VisitOccupant {
  id_number: string
  name: string
  hukou_code?: string
}

export interface VisitInput {
  house?: number
  address?: AddressInput
  date?: string
  occupants: VisitOccupant[]
  note?: string
}

export interface VisitAnswer {
  visit: { id: number; house_id: number | null; grid: string; date: string }
  found: { id_number: string; name: string; status: 'registered' | 'unregistered' | 'not_in_scope' }[]
  absent: { id_number: string; name: string }[]
  tasks: Task[]
}

export interface GridWorklist {
  tasks: Task[]
  flagged_houses: House[]
  late_registrations: LateItem[]
  late_reports: Report[]
  permits_due: PermitWorkItem[]
}

export interface GridStatsItem {
  code: string
  name: string
  actual_population: number
  floating_population: number
  rental_houses: number
  tasks_open: number
  tasks_overdue: number
}

export interface GridStats {
  parent: string | null
  items: GridStatsItem[]
}

/** A paged list of the grid routes (page and per_page may be left out). */
export interface Listing<T> {
  items: T[]
  total: number
  page?: number
  per_page?: number
}

/** GET /api/v1/calendar: the holiday arrangements loaded and what they lack. */
export interface CalendarStatus {
  today: string
  years: number[]
  year: number
  year_loaded: boolean
  next_year: number
  next_year_loaded: boolean
  /** In Chinese: this year's arrangement missing, or (from 1 December) next year's. */
  warnings: string[]
  /** Active registrations of the user's area whose deadline is provisional, and of those the late ones. */
  provisional: { registrations: number; late: number }
  divisions_added: number
}
