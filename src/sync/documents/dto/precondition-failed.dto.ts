import { ApiProperty } from '@nestjs/swagger';
import { ProblemDetails } from '../../../http/problem-details.js';
import { SyncChangeDto } from '../../changes/dto/changes.dto.js';

/** The 412 of a conditional write: the problem with the server's state of the document. */
export class SyncPreconditionFailedDto extends ProblemDetails {
  @ApiProperty({
    type: SyncChangeDto,
    nullable: true,
    description:
      'The document as the server has it (a tombstone if deleted); null when it never existed',
  })
  current: SyncChangeDto | null;
}
