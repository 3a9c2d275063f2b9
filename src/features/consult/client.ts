import type { z } from 'zod';
import type {
  Category,
  Consultation,
  ConsultationSummaryItem,
  Contribution,
  ContributionInput,
  Me,
  ModerationInput,
  moderationListSchema,
  Participation,
  Stance,
  Summary,
  VoteResult,
} from '../../core/schemas/consultation.ts';

/**
 * What the consultation feature asks of the consultation API (pure: the controller's view of
 * the browser client in api.ts), and the error every failed call gives.
 */

export class ConsultError extends Error {
  constructor(
    /** HTTP status, or 0 when no answer came. */
    readonly status: number,
    /** The server's error code ('invalid-request', 'consultation-closed', …) or 'network' / 'timeout' / 'bad-answer'. */
    readonly code: string,
    message: string,
    readonly issues: { field: string; reason: string }[] = [],
  ) {
    super(message);
    this.name = 'ConsultError';
  }
}

export type ModerationItem = z.infer<typeof moderationListSchema>['contributions'][number];

export interface ConsultClient {
  me(): Promise<Me>;
  list(): Promise<ConsultationSummaryItem[]>;
  get(id: string): Promise<Consultation>;
  contributions(id: string, category?: Category | null): Promise<{ contributions: Contribution[]; total: number }>;
  participation(id: string): Promise<Participation>;
  summary(id: string): Promise<Summary>;
  contribute(id: string, input: ContributionInput): Promise<{ id: string; status: 'pending'; createdAt: string }>;
  vote(id: string, proposalId: string, stance: Stance | null): Promise<VoteResult>;
  login(email: string, password: string): Promise<Me>;
  logout(): Promise<Me>;
  queue(consultationId: string): Promise<{ contributions: ModerationItem[]; total: number }>;
  moderate(contributionId: string, input: ModerationInput): Promise<void>;
  exportUrl(id: string, format: 'csv' | 'geojson', all: boolean): string;
}

