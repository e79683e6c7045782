import { PageQueryDto } from '../../../http/pagination/page-query.dto.js';

/** `?limit=&cursor=` over a collection's live documents, in key order. */
export class ListDocumentsQueryDto extends PageQueryDto {}
