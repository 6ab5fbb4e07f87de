import { citizenRecord, type CongDan } from './citizen-record.ts';
import { parseDmy } from './dates.ts';
import { nameAndBirthKey, type Population } from './population.ts';

/** The two NPD services as pure functions of a population: request validation and the answer. */

export interface CallerFields {
  MaYeuCau: string;
  MaDVC: string;
  MaTichHop: string;
  MaDonVi: string;
  MaCanBo: string;
}

export interface TraCuuRequest extends CallerFields {
  SoDinhDanh: string;
  HoVaTen: string;
  NgayThangNamSinh: string;
}

export interface TimSoDinhDanhRequest extends CallerFields {
  HoVaTen: string;
  NgayThangNamSinh: string;
  HoVaTenCha?: string;
  HoVaTenMe?: string;
}

export interface TraCuuResponse {
  MaYeuCau: string;
  KetQua: 'KHOP' | 'KHONG_KHOP' | 'KHONG_TIM_THAY';
  CongDan?: CongDan;
}

export interface TimSoDinhDanhResponse {
  MaYeuCau: string;
  KetQua: 'TIM_THAY' | 'KHONG_TIM_THAY' | 'NHIEU_KET_QUA';
  SoDinhDanh?: string;
}

/** Names match exactly, case and diacritics included, once both are NFC with single inner spaces and no outer ones. */
function normalizeName(name: string): string {
  return name.normalize('NFC').trim().replace(/\s+/g, ' ');
}

type Fields = Record<string, unknown>;

function callerFields(body: Fields): CallerFields | string {
  for (const key of ['MaYeuCau', 'MaDVC', 'MaDonVi', 'MaCanBo'] as const) {
    if (typeof body[key] !== 'string' || body[key] === '') return `thiếu trường ${key}`;
  }
  if (typeof body.MaTichHop !== 'string') return 'thiếu trường MaTichHop';
  return { MaYeuCau: body.MaYeuCau as string, MaDVC: body.MaDVC as string, MaTichHop: body.MaTichHop, MaDonVi: body.MaDonVi as string, MaCanBo: body.MaCanBo as string };
}

function nameAndBirth(body: Fields): { HoVaTen: string; NgayThangNamSinh: string } | string {
  if (typeof body.HoVaTen !== 'string' || normalizeName(body.HoVaTen) === '') return 'thiếu trường HoVaTen';
  if (typeof body.NgayThangNamSinh !== 'string' || parseDmy(body.NgayThangNamSinh) === null) return 'NgayThangNamSinh phải là một ngày có thật dạng dd/mm/yyyy';
  return { HoVaTen: body.HoVaTen, NgayThangNamSinh: body.NgayThangNamSinh };
}

const isObject = (body: unknown): body is Fields => typeof body === 'object' && body !== null && !Array.isArray(body);

/** The request, or a Vietnamese message saying what is wrong with it. */
export function parseTraCuu(body: unknown): TraCuuRequest | string {
  if (!isObject(body)) return 'nội dung phải là một đối tượng JSON';
  const caller = callerFields(body);
  if (typeof caller === 'string') return caller;
  if (typeof body.SoDinhDanh !== 'string' || !/^\d{12}$/.test(body.SoDinhDanh)) return 'SoDinhDanh phải gồm 12 chữ số';
  const person = nameAndBirth(body);
  if (typeof person === 'string') return person;
  return { ...caller, SoDinhDanh: body.SoDinhDanh, ...person };
}

export function parseTimSoDinhDanh(body: unknown): TimSoDinhDanhRequest | string {
  if (!isObject(body)) return 'nội dung phải là một đối tượng JSON';
  const caller = callerFields(body);
  if (typeof caller === 'string') return caller;
  const person = nameAndBirth(body);
  if (typeof person === 'string') return person;
  const request: TimSoDinhDanhRequest = { ...caller, ...person };
  for (const key of ['HoVaTenCha', 'HoVaTenMe'] as const) {
    const value = body[key];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'string') return `${key} phải là chuỗi`;
    request[key] = value;
  }
  return request;
}

export function traCuu(population: Population, request: TraCuuRequest): TraCuuResponse {
  const person = population.byId.get(request.SoDinhDanh);
  if (!person) return { MaYeuCau: request.MaYeuCau, KetQua: 'KHONG_TIM_THAY' };
  if (person.fullName !== normalizeName(request.HoVaTen) || person.dob !== request.NgayThangNamSinh) {
    return { MaYeuCau: request.MaYeuCau, KetQua: 'KHONG_KHOP' };
  }
  return { MaYeuCau: request.MaYeuCau, KetQua: 'KHOP', CongDan: citizenRecord(person) };
}

/**
 * Everyone with that name and date of birth, narrowed by each parent's name that is given (an empty name counts
 * as not given): one left is TIM_THAY, none KHONG_TIM_THAY, several NHIEU_KET_QUA.
 */
export function timSoDinhDanh(population: Population, request: TimSoDinhDanhRequest): TimSoDinhDanhResponse {
  let candidates = population.byNameAndBirth.get(nameAndBirthKey(normalizeName(request.HoVaTen), request.NgayThangNamSinh)) ?? [];
  const father = normalizeName(request.HoVaTenCha ?? '');
  const mother = normalizeName(request.HoVaTenMe ?? '');
  if (father !== '') candidates = candidates.filter((p) => p.father?.fullName === father);
  if (mother !== '') candidates = candidates.filter((p) => p.mother?.fullName === mother);
  if (candidates.length === 1) return { MaYeuCau: request.MaYeuCau, KetQua: 'TIM_THAY', SoDinhDanh: candidates[0]!.id };
  return { MaYeuCau: request.MaYeuCau, KetQua: candidates.length === 0 ? 'KHONG_TIM_THAY' : 'NHIEU_KET_QUA' };
}
