import type { Category, NotificationType } from './catalogue.js';

/** The columns a notification is shown from (in the API and on the stream). */
export interface NotificationView {
  id: string;
  type: NotificationType;
  category: Category;
  title: string;
  body: string;
  readAt: Date | null;
  createdAt: Date;
}
