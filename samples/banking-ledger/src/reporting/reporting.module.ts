import { Module } from '@nestjs/common';
import { TypeOrmReadModelsModule } from '@eventline/typeorm';
import { AccountCurrency } from './account-currency.entity';
import { CurrencyTotal } from './currency-total.entity';
import { GetTotalsHandler } from './get-totals';
import { TotalsController } from './totals.controller';
import { TotalsProjection } from './totals.projection';

@Module({
  imports: [TypeOrmReadModelsModule.forFeature([CurrencyTotal, AccountCurrency])],
  controllers: [TotalsController],
  providers: [TotalsProjection, GetTotalsHandler],
})
export class ReportingModule {}
