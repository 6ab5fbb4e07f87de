import { z } from 'zod';

/**
 * What the server accepts to issue an account, edit its contact details and grant a role; the web's forms validate
 * with the same schemas before sending, so a mistake is shown beside its field. Messages are "Vietnamese / English".
 */
export const username = z
  .string()
  .trim()
  .regex(/^[a-z0-9._-]{3,40}$/i, 'Tên đăng nhập: 3–40 ký tự chữ không dấu, số, . _ - / the username has 3–40 letters without diacritics, digits, . _ -');
export const personalId = z.string().regex(/^\d{12}$/, 'Số định danh gồm 12 chữ số / the personal ID number has 12 digits');
const unitId = z.uuid('Hãy chọn đơn vị / choose a unit');

/** The fields an account's administrator may set when issuing it and edit later. */
export const accountContactFields = {
  fullName: z.string().trim().min(2, 'Họ và tên có ít nhất 2 ký tự / the full name has at least 2 characters').max(120, 'Họ và tên tối đa 120 ký tự / at most 120 characters'),
  position: z.string().trim().max(120, 'Chức vụ tối đa 120 ký tự / at most 120 characters'),
  email: z.email('Thư điện tử không hợp lệ / not a valid e-mail address').max(200, 'Thư điện tử tối đa 200 ký tự / at most 200 characters').or(z.literal('')),
  phone: z.string().trim().regex(/^[0-9+ ]{0,20}$/, 'Số điện thoại chỉ gồm chữ số / the phone number has digits only'),
};

export const issueAccountBody = z.strictObject({ username, personalId, unitId, ...accountContactFields });

/** The contact details as the edit form shows them (all of them); the server takes any of them. */
export const accountContacts = z.strictObject(accountContactFields);
export const updateAccountBody = accountContacts.partial().refine((b) => Object.keys(b).length > 0, 'Không có gì để sửa / nothing to change');

/** The server narrows `role` to the roles it knows (their names live with the server's permissions). */
export const grantRoleBody = z.strictObject({ role: z.string().min(1, 'Hãy chọn vai trò / choose a role'), unitId });
