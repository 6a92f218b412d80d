/**
 * What to do when a transfer meets an existing file. The question is asked
 * once at a time even when transfers run in parallel, and "apply to all"
 * answers the rest without asking.
 * The question itself is injected.
 */

import { SerialQueue } from '../common/async';
import { CancelledError } from '../common/errors';

export type ConflictChoice = 'overwrite' | 'skip' | 'keepBoth';

export interface ConflictAnswer {
  readonly choice: ConflictChoice;
  readonly applyToAll: boolean;
}

/** Asks the person; undefined means they dismissed the question, which cancels the whole transfer. */
export type AskConflict = (name: string, remaining: number) => Promise<ConflictAnswer | undefined>;

export class ConflictDecider {
  private remembered: ConflictChoice | undefined;
  private dismissed = false;
  /** One question at a time, in the order the transfers met their conflicts. */
  private readonly questions = new SerialQueue();
  private pending = 0;

  constructor(
    private readonly ask: AskConflict,
    initial?: ConflictChoice,
  ) {
    this.remembered = initial;
  }

  /** The choice for `name`; throws CancelledError when the person dismissed the question. */
  decide(name: string): Promise<ConflictChoice> {
    if (this.remembered) {
      return Promise.resolve(this.remembered);
    }
    this.pending++;
    return this.questions.run(async () => {
      try {
        // An earlier answer in the queue may have said "apply to all".
        if (this.remembered) {
          return this.remembered;
        }
        if (this.dismissed) {
          throw new CancelledError();
        }
        const answer = await this.ask(name, this.pending - 1);
        if (!answer) {
          this.dismissed = true;
          throw new CancelledError();
        }
        if (answer.applyToAll) {
          this.remembered = answer.choice;
        }
        return answer.choice;
      } finally {
        this.pending--;
      }
    });
  }
}
