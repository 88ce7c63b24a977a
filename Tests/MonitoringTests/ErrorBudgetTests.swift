import JSON
import Testing

@testable import Monitoring

@Suite struct ErrorBudgetTests {
    @Test func budgetAccountingInRequestsAndFractions() throws {
        let budget = ErrorBudget(target: 0.999, good: 99_970, total: 100_000)
        #expect(abs(budget.budgetRequests - 100) < 1e-9)
        #expect(budget.spentRequests == 30)
        #expect(abs(budget.remainingRequests - 70) < 1e-9)
        #expect(abs(try #require(budget.spentFraction) - 0.3) < 1e-12)
        #expect(abs(try #require(budget.remainingFraction) - 0.7) < 1e-12)
        #expect(abs(try #require(budget.burnRate) - 0.3) < 1e-12)
    }

    @Test func overspentBudgetGoesNegative() throws {
        let budget = ErrorBudget(target: 0.99, good: 950, total: 1000)
        #expect(abs(budget.remainingRequests - -40) < 1e-9)
        #expect(abs(try #require(budget.remainingFraction) - -4) < 1e-9)
    }

    @Test func noTrafficHasNoRatios() {
        let budget = ErrorBudget(target: 0.999, good: 0, total: 0)
        #expect(budget.availability == nil && budget.spentFraction == nil && budget.burnRate == nil)
        #expect(budget.json().objectValue?["burn_rate"] == .null)
    }
}
