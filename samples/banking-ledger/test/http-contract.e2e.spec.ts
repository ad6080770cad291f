import { sqliteDeployments } from './support/bank-deployment';
import { describeHttpContract } from './support/http-contract';

describeHttpContract('embedded engine', sqliteDeployments);
